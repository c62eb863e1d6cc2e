/* The dashboard's trend chart. Data comes from json_script; a click on a bar opens the list it counts.
   trendOption() is pure (the trend and the chart's width in, an ECharts option out) so that tests can
   check the layout without a browser. Written for old browsers too (Chrome 109): no modules, no arrows. */
(function (root) {
  "use strict";
  var COLOURS = [["red", "红色", "#dc3545"], ["yellow", "黄色", "#ffc107"], ["green", "绿色", "#198754"]];
  var EMPTY = "暂无数据";
  var NARROW = 480; // px of chart width: a phone's card
  // The legend is one row at the top; the plot starts below it, so the two never share pixels.
  var LEGEND = { top: 0, padding: 4, itemHeight: 12 };
  var GRID_TOP = LEGEND.top + LEGEND.itemHeight + 2 * LEGEND.padding + 12;

  function hasData(trend) {
    if (!trend || !trend.months || !trend.months.length) { return false; }
    return COLOURS.some(function (c) {
      return (trend[c[0]] || []).some(function (n) { return n > 0; });
    });
  }

  function emptyOption() {
    return {
      title: {
        text: EMPTY, left: "center", top: "middle",
        textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" }
      },
      xAxis: { show: false }, yAxis: { show: false }, series: []
    };
  }

  function trendOption(trend, width) {
    if (!hasData(trend)) { return emptyOption(); }
    var narrow = width < NARROW;
    return {
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" } },
      legend: {
        top: LEGEND.top, left: "center", padding: LEGEND.padding,
        itemWidth: 14, itemHeight: LEGEND.itemHeight, itemGap: narrow ? 10 : 20,
        textStyle: { fontSize: 12 }
      },
      // containLabel: the axis labels sit inside the grid, whatever their width.
      grid: { top: GRID_TOP, left: 4, right: 8, bottom: 4, containLabel: true },
      xAxis: {
        type: "category", data: trend.months,
        axisLabel: { hideOverlap: true, fontSize: narrow ? 11 : 12 }
      },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: narrow ? 11 : 12 } },
      series: COLOURS.map(function (c) {
        return {
          name: c[1], type: "bar", stack: "colour", data: trend[c[0]], itemStyle: { color: c[2] },
          barMaxWidth: 36
        };
      })
    };
  }

  root.luoshiDashboard = { trendOption: trendOption, hasData: hasData, EMPTY: EMPTY };

  var doc = root.document;
  if (!doc) { return; }
  var source = doc.getElementById("dashboard-data");
  var element = doc.getElementById("trend-chart");
  if (!source || !element || typeof root.echarts === "undefined") { return; }
  var trend = JSON.parse(source.textContent).trend;
  var chart = root.echarts.init(element);
  var width = element.clientWidth;
  chart.setOption(trendOption(trend, width));
  chart.on("click", function (params) {
    var colour = COLOURS[params.seriesIndex] && COLOURS[params.seriesIndex][0];
    var link = trend.links[params.dataIndex] && trend.links[params.dataIndex][colour];
    if (link) { root.location.href = link; }
  });
  // The card changes width with the window and with the layout around it: follow the element.
  function fit() {
    var now = element.clientWidth;
    if ((now < NARROW) !== (width < NARROW)) { chart.setOption(trendOption(trend, now), true); }
    width = now;
    chart.resize();
  }
  if (typeof root.ResizeObserver === "function") {
    new root.ResizeObserver(fit).observe(element);
  } else {
    root.addEventListener("resize", fit);
  }
})(this);
