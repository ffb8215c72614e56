"""Learning from outcomes: outcome history, the success model, evaluation, fairness and the model registry.

Modules, in the order data flows through them:

- :mod:`.history`: the records (participants, enrollments, outcomes) and the success definition;
- :mod:`.history_io`: the CSV / JSON Lines import format (one file per table) and its checks;
- :mod:`.history_store`: the same tables in the SQL store, and the calls the API records through;
- :mod:`.generator`: the seeded sample-history generator for the sample region;
- :mod:`.pair_features`: seeker-program features from the engine (the one module that reads engine internals);
- :mod:`.model`: the calibrated success model and the engine hook it plugs into;
- :mod:`.metrics`, :mod:`.evaluation`, :mod:`.fairness`, :mod:`.report`: held-out evaluation and the audit;
- :mod:`.registry`: versioned artifacts under ``models/`` (the only place model files are loaded);
- :mod:`.training`: one training run, end to end; :mod:`.serving`: model-backed recommendations.

``docs/learning.md`` describes the whole design.
"""
