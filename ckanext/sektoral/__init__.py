"""ckanext-sektoral: the Satu Data Indonesia sectoral-statistics cycle in CKAN."""
