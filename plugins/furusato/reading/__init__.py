"""Read a Furusato repository (profiles, content, pictures) into a validated, typed Site."""
