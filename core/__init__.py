"""The shared domain library: domain events and their recorder, working days, rate limits and the client address,
outage handling, safe enqueueing, schedules, admin helpers and error codes. Imports nothing of the apps above it."""
