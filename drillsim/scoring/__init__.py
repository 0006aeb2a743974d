"""Scoring: metrics from the event log, statistics over replications, scorecards."""
