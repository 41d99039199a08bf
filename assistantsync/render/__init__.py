"""A plan and its outcomes as text for a terminal or Markdown for a pull request. Pure."""
