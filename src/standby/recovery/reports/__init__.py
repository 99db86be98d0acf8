"""Incident reports and what drill reports share with them: promises, the timeline, the chart."""
