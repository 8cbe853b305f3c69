"""Prefect flows composing the steps in tasks/."""
