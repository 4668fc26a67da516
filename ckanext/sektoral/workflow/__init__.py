"""__init__ of ckanext-sektoral."""
