"""Real-text evaluation sets: labels on published texts kept in public repositories, never committed here.

``corpus`` loads a set's ``sources.yaml`` and ``labels.yaml`` and reads each text out of a local bare mirror;
``extract`` writes the texts to ``var/eval/<set>/`` after checking every hash; ``fill`` turns quoted evidence
into offsets while labelling. The layout is described in ``docs/evaluation.md``.
"""
