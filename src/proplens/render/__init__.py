"""Turning plain result data into things people read (terminal tables now; HTML later)."""
