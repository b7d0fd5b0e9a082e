"""Reading what applicants send back (forms, lists, packages) into docgen's own data."""
