"""The wiring, at the top of the import graph: what makes the features one process.

- subscribers.py: the engine's state-change subscribers and tick jobs, and who hears of an
  acknowledgement, each an explicit list in the order it runs — a new feature adds itself there;
- engine.py: the engine with those lists, as `standby serve` runs it;
- web.py: the web app with every feature's routes (one registry list);
- serve.py and cli.py: the process (engine + uvicorn + web app) and `standby serve` / `worker`.

The `standby` command itself (standby/cli.py) and the migrations' collection of every feature's
tables (store/migrations/) are wiring too. Nothing below imports this package.
"""
