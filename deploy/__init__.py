"""Serving the app to a team: replicas behind a load balancer (see serve.py)."""
