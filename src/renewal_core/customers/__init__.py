"""Customers: satisfaction surveys, quality-customer tiers and follow-up schedules."""

__all__: list[str] = []
