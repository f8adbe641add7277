"""Turning plain result data into things people read: terminal tables, the HTML report, the corpus view
and its plots. No statistics and no reading here."""
