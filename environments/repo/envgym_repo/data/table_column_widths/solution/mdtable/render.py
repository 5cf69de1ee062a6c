def _cell(value):
    return "" if value is None else str(value).replace("|", "\\|")


def render(headers, rows, align=None):
    """A Markdown table: a header line, a rule line, one line per row. ``align`` maps a header to
    "left" (default) or "right"; a right-aligned column's rule ends in ``:``."""
    align = align or {}
    cells = [[_cell(v) for v in row] for row in rows]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells; the table has {len(headers)} columns")
    widths = [max(3, len(_cell(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]

    def line(values):
        parts = []
        for header, value, width in zip(headers, values, widths):
            parts.append(value.rjust(width) if align.get(header) == "right" else value.ljust(width))
        return "| " + " | ".join(parts) + " |"

    rule = []
    for header, width in zip(headers, widths):
        rule.append("-" * (width - 1) + ":" if align.get(header) == "right" else "-" * width)
    out = [line([_cell(h) for h in headers]), "| " + " | ".join(rule) + " |"]
    out += [line(row) for row in cells]
    return "\n".join(out)
