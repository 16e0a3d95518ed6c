"""``newswatch gazetteer update``: refresh the leaders data from a Wikidata-style SPARQL endpoint into a
user gazetteer file (docs/gazetteer.md, "Refreshing from Wikidata")."""
