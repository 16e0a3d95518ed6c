"""The Faust worker: thin agents around the pure stages (dedupe, detect, merge)."""
