"""Section narratives and their approval workflow (built in the narratives issue)."""
