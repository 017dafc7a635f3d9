"""CSS and JavaScript for the edit link that `cjm generate` adds to map pages (generated_extras.py).

Engines make a page's edit button from its path under the docs folder; for a generated page
that is a file nobody should edit. When a page carries cjm's "Edit the map" link, the
script points the theme's edit button (Material, Zensical: `a[rel=edit]`) at the map too.
"""

EDIT_STYLESHEET = """\
.cjm-source { font-size: 0.75em; margin-top: 2em; }
.cjm-source code { font-size: 1em; }
"""

EDIT_SCRIPT = """\
(function () {
  function retarget() {
    var source = document.querySelector("a.cjm-edit-source");
    if (!source) return;
    document.querySelectorAll('a[rel="edit"]').forEach(function (button) {
      button.href = source.href;
      button.title = source.title;
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(retarget);
  else if (document.readyState !== "loading") retarget();
  else document.addEventListener("DOMContentLoaded", retarget);
})();
"""
