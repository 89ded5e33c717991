"""The cadre's own SMS subscription, switched in the app (the mainland has no two-way SMS for STOP)."""
