"""How much a plan file may ask of the reader, checked while it is read, before anything is built.

A plan is a file people edit and `standby serve` reloads on its own, so a mistake (or a hostile edit)
must never cost more than reading a large plan does: a YAML alias bomb ("billion laughs") expands a
1.7 KB file into billions of values, a list nested 10,000 deep exhausts the stack, a 5,000-digit
number is refused by Python's int conversion itself. Each limit below is far above what a real plan
uses (the largest plans we know are a few thousand assets, a few hundred KB) and each breach is one
`file:line:col` message naming the limit and what to do instead.
"""

from __future__ import annotations

MAX_BYTES = 1_000_000  # the file
MAX_DEPTH = 32  # mappings and lists inside each other; a plan needs about 6
MAX_SCALAR = 65_536  # characters in one value (a key, a URL, a message template)
MAX_DIGITS = 32  # digits in one number
MAX_ALIASES = 1_000  # uses of `*anchor`
MAX_VALUES = 150_000  # values in the whole plan once every alias is expanded
MAX_SECONDS = 30.0  # `standby serve` reading an edited plan; a bounded read takes well under 1 s


TOO_BIG = (
    f"the file is larger than {MAX_BYTES:,} bytes, the most a plan may be; is it the plan? (a plan of "
    "thousands of assets is a few hundred KB)"
)


DEPTH = (
    f"nested more than {MAX_DEPTH} levels deep; a plan needs far fewer — look for a runaway `[` or "
    "indentation that keeps growing"
)
SCALAR = f"a value longer than {MAX_SCALAR:,} characters; shorten it (a plan holds settings, not data)"
DIGITS = f"a number of more than {MAX_DIGITS} digits; quote it if it is meant as text"
ALIASES = f"more than {MAX_ALIASES:,} aliases (*name); repeat fewer values through anchors, or write them out"
VALUES = f"more than {MAX_VALUES:,} values; a plan needs far fewer — is this file a plan?"
EXPANDED = (
    f"more than {MAX_VALUES:,} values once its aliases are expanded; an alias of an alias of … multiplies "
    "(a 'billion laughs' file): write the values out, or use fewer levels of aliases"
)
SELF = "this alias refers to the value that contains it, so it never ends; point it at another anchor"
