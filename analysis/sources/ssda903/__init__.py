"""Child-level data: the SSDA903 return (load, validate, episode model, synthetic authority)."""
