"""`luoshi bench`: a city of counties in a database of its own, and what the pages cost on it."""
