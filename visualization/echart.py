"""The page's chart widget: Solara's ECharts widget with the page's theme and its own formatting.

An option from :mod:`visualization.views` is JSON data; where it needs a function it names one
(``"fmt:pow10"``, ``"fmt:number"``, ``"fmt:tooltip"``, ``"fmt:band"``) and this widget's
template supplies it. Only those names are mapped, and nothing from the option is evaluated:
the option stays data. The names:

- ``fmt:pow10``: log-axis ticks as 10^k (10⁻¹, 10⁰, 10³), the one tick style of every log axis;
- ``fmt:number``: up to four significant digits, and a×10^k past a million;
- ``fmt:tooltip``: the week and year, then each series' value with the ``unit`` the series
  carries (a band shows its low to high);
- ``fmt:band``: a custom series drawn as the area between its low and high columns.

With ``dark`` set the chart is drawn in ECharts' dark theme (the page passes Solara's theme).
"""

from __future__ import annotations

import traitlets
from solara.components.echarts import EchartsWidget

CHART_TEMPLATE = """
<template>
  <div ref="echarts" class="solara-echarts" v-bind="attributes"></div>
</template>
<script>
const SUP = {"-": "\\u207b", "0": "\\u2070", "1": "\\u00b9", "2": "\\u00b2", "3": "\\u00b3",
             "4": "\\u2074", "5": "\\u2075", "6": "\\u2076", "7": "\\u2077", "8": "\\u2078",
             "9": "\\u2079"};
function power(k) {
  return "10" + String(k).split("").map(c => SUP[c]).join("");
}
function number(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const a = Math.abs(v);
  if (a >= 1e6) {
    const k = Math.floor(Math.log10(a));
    const m = Math.round(v / Math.pow(10, k) * 100) / 100;
    return (m === 1 ? "" : m + "\\u00d7") + power(k);
  }
  return Number(v.toPrecision(4)).toLocaleString("en-US", {maximumFractionDigits: 4});
}
function pow10(v) {
  if (!(v > 0)) return "";
  const k = Math.round(Math.log10(v));
  return Math.abs(Math.log10(v) - k) < 1e-6 ? power(k) : number(v);
}
function escape(text) {
  return String(text).replace(/[&<>"']/g, c => "&#" + c.charCodeAt(0) + ";");
}
function tooltip(option) {
  return params => {
    const list = Array.isArray(params) ? params : [params];
    if (!list.length) return "";
    const x = list[0].axisValue;
    const head = typeof x === "number"
      ? "week " + Math.round(x * 52) + " (year " + x.toFixed(2) + ")" : escape(x);
    const lines = list.map(p => {
      const s = option.series[p.seriesIndex] || {};
      let v = p.value, text;
      if (Array.isArray(v)) {
        if (s.type === "custom") text = number(v[1]) + " to " + number(v[2]);
        else text = number(v[s.encode && s.encode.tooltip !== undefined ? s.encode.tooltip : 1]);
      } else {
        text = number(v !== null && typeof v === "object" ? v.value : v);
      }
      return p.marker + escape(p.seriesName) + ": <b>" + text + "</b> " + escape(s.unit || "");
    });
    return [head, ...lines].join("<br/>");
  };
}
function band(series) {
  return (params, api) => {
    if (params.dataIndex !== 0) return null;
    const up = [], down = [];
    for (const d of series.data) {
      up.push(api.coord([d[0], d[2]]));
      down.push(api.coord([d[0], d[1]]));
    }
    return {type: "polygon", shape: {points: up.concat(down.reverse())},
            style: {fill: series.color, opacity: 0.18}};
  };
}
const AXIS = {"fmt:pow10": pow10, "fmt:number": number};
function prepare(raw) {
  const option = JSON.parse(JSON.stringify(raw));
  for (const name of ["xAxis", "yAxis"]) {
    const axes = option[name] === undefined ? [] : [].concat(option[name]);
    for (const axis of axes) {
      if (axis.axisLabel && AXIS[axis.axisLabel.formatter]) {
        axis.axisLabel.formatter = AXIS[axis.axisLabel.formatter];
      }
    }
  }
  if (option.tooltip && option.tooltip.formatter === "fmt:tooltip") {
    option.tooltip.formatter = tooltip(option);
  }
  for (const s of option.series || []) {
    if (s.renderItem === "fmt:band") s.renderItem = band(s);
  }
  return option;
}
module.exports = {
  mounted() {
    const version = "5.4.0";
    (async () => {
      this.echarts = (
        await this.import([`${this.getCdn()}/echarts@${version}/dist/echarts.min.js`])
      )[0];
      this.create();
    })();
    if (this.responsive) {
      this.resizeObserver = new ResizeObserver(() => this.chart && this.chart.resize());
      this.resizeObserver.observe(this.$refs.echarts);
    }
  },
  beforeDestroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
    if (this.chart) this.chart.dispose();
  },
  watch: {
    option() {
      if (this.chart) this.chart.setOption(prepare(this.option), true);
    },
    dark() {
      if (!this.chart) return;
      this.chart.dispose();
      this.create();
    },
  },
  methods: {
    create() {
      this.chart = this.echarts.init(this.$refs.echarts, this.dark ? "dark" : null);
      this.chart.setOption(prepare(this.option), true);
    },
    import(deps) {
      return this.loadRequire().then(() => {
        if (window.jupyterVue) {
          define("vue", [], () => window.jupyterVue.Vue);
        } else {
          define("vue", ["jupyter-vue"], (jupyterVue) => jupyterVue.Vue);
        }
        return new Promise((resolve) => requirejs(deps, (...modules) => resolve(modules)));
      });
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getJupyterBaseUrl() {
      if (document.getElementsByTagName("base").length) return "./";
      const labConfigData = document.getElementById("jupyter-config-data");
      if (labConfigData) return JSON.parse(labConfigData.textContent).baseUrl;
      let base = document.body.dataset.baseUrl || document.baseURI;
      return base.endsWith("/") ? base : base + "/";
    },
    getCdn() {
      return this.cdn || (window.solara ? window.solara.cdn
                                        : `${this.getJupyterBaseUrl()}_solara/cdn`);
    },
  },
};
</script>
"""


class Opaque:
    """A value the widget layer sends as is, without the component tree walking into it.

    Reacton looks for child elements inside every list and dict passed to a component, so a
    chart's thousands of data points cost a full walk (and copy) on every redraw; wrapped, they
    are one object.
    """

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _unwrap(value, widget):
    return value.value if isinstance(value, Opaque) else value


class EChart(EchartsWidget):
    """Solara's ECharts widget with this module's template, its option wrapped in Opaque."""

    template_file = None
    template = traitlets.Unicode(CHART_TEMPLATE).tag(sync=True)
    option = traitlets.Any({}).tag(sync=True, to_json=_unwrap)
    dark = traitlets.Bool(False).tag(sync=True)
