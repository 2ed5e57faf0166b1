"""Browser widgets Solara lacks: a scenario upload button, and the share link.

The share link has a copy button and keeps the page's address up to date (the chart widget is
:mod:`visualization.echart`).

Their Vue templates are inline, so they ship with the package.

The upload reads the file in the browser and sends its text, or only its name and size when it is
over the cap; the server checks the size again (a browser is not to be trusted) and validates
the text like a scenario file.
"""

from __future__ import annotations

import ipyvuetify
import traitlets

from model.scenario import MAX_FILE_BYTES

UPLOAD_TEMPLATE = """
<template>
  <div class="takeoff-upload" @dragover.prevent @drop.prevent="drop">
    <v-btn small outlined color="primary" @click="$refs.file.click()">
      <v-icon left small>mdi-upload</v-icon>{{ label }}
    </v-btn>
    <input ref="file" type="file" accept=".toml,text/plain,application/toml"
           style="display: none" data-testid="scenario-upload" @change="pick" />
  </div>
</template>
<script>
module.exports = {
  methods: {
    pick(event) {
      const file = event.target.files[0];
      event.target.value = "";
      this.send(file);
    },
    drop(event) {
      this.send(event.dataTransfer.files[0]);
    },
    send(file) {
      if (!file) return;
      if (file.size > this.max_bytes) {
        this.upload({name: file.name, size: file.size, text: ""});
        return;
      }
      const reader = new FileReader();
      reader.onload = () => this.upload({name: file.name, size: file.size, text: reader.result});
      reader.onerror = () => this.upload({name: file.name, size: file.size, text: null});
      reader.readAsText(file);
    },
  },
};
</script>
"""

SHARE_TEMPLATE = """
<template>
  <div class="takeoff-share" style="display: flex; align-items: center; gap: 4px;">
    <v-text-field dense outlined readonly hide-details label="Share link" :value="url"
                  data-testid="share-link" @focus="$event.target.select()"></v-text-field>
    <v-btn small icon color="primary" title="copy the link" @click="copy">
      <v-icon small>mdi-content-copy</v-icon>
    </v-btn>
  </div>
</template>
<script>
module.exports = {
  mounted() {
    this.write();
  },
  watch: {
    query() {
      this.write();
    },
  },
  computed: {
    url() {
      const here = window.location.origin + window.location.pathname;
      return this.query ? here + "?" + this.query : here;
    },
  },
  methods: {
    write() {
      // The address bar holds the settings too: a reload or a bookmark keeps them. Replaced,
      // not pushed: a slider's every move is not a page of history.
      if (this.address && window.location.href !== this.url) {
        window.history.replaceState(window.history.state, "", this.url);
      }
    },
    copy() {
      if (navigator.clipboard) navigator.clipboard.writeText(this.url);
    },
  },
};
</script>
"""

class UploadButton(ipyvuetify.VuetifyTemplate):
    """A button (and drop target) that uploads one scenario file, capped at ``max_bytes``."""

    template = traitlets.Unicode(UPLOAD_TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("Upload scenario").tag(sync=True)
    max_bytes = traitlets.Int(MAX_FILE_BYTES).tag(sync=True)
    on_upload = traitlets.Callable(None, allow_none=True)

    def vue_upload(self, data) -> None:
        """Hand ``(name, text, size)`` from the browser to ``on_upload``; ignore anything else."""
        if not isinstance(data, dict) or self.on_upload is None:
            return
        name, text, size = data.get("name"), data.get("text"), data.get("size")
        self.on_upload(str(name) if isinstance(name, str) else "upload",
                       text if isinstance(text, str) else "",
                       size if isinstance(size, int) and not isinstance(size, bool) else 0)


class ShareLink(ipyvuetify.VuetifyTemplate):
    """The page's address with ``query`` appended, read-only, with a copy button.

    With ``address`` set (the page served by Solara, not a notebook) the browser's address bar
    is kept equal to the link as ``query`` changes.
    """

    template = traitlets.Unicode(SHARE_TEMPLATE).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    address = traitlets.Bool(False).tag(sync=True)
