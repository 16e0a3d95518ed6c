"""Event detection: find leaders, calls and ceasefires in article text, resolved by date."""
