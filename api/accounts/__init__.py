"""Phone login (SMS code, Django session), logout and the logged-in user's own data (`me`)."""
