from __future__ import annotations

from standby.cli import main

raise SystemExit(main())
