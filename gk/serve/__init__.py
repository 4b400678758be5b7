"""``gk serve``: the web front end. Like the command line it only parses input, calls the core
and renders; no rule, label or vocabulary is copied here.

* ``app``: the standard library's threaded HTTP server bound to 127.0.0.1, one request at a
  time (a lock), and the gate of ``security`` in front of every request: the token from the
  printed address (exchanged for an HttpOnly, SameSite=Strict cookie and dropped from the
  address), the Host header (no DNS rebinding), and for every POST the session's form token
  and a same-origin Origin / Sec-Fetch-Site / Referer.
* ``handlers``: one function per page; files are named by their place in the repository and
  read and written only through ``gk.edit.atomic`` (no link followed, nothing outside).
* ``forms``: the forms, generated from the JSON Schemas (and a repository's own templates)
  and read back; a field left alone keeps its value exactly.
* ``gk.edit.form_edit``: saving, as the smallest edits of the file's text that give the form's
  data, verified and written atomically, refused when the file changed since the form opened.
* ``pages``: overview, alliance and findings pages; ``gitshare``: git status and a commit of
  exactly the files gk wrote.

The style sheet and the small script for findings while typing are package data in
``gk/data/web``; no page loads anything from elsewhere.
"""
