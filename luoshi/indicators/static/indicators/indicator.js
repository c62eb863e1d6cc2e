/* An indicator's chart: this year's figures against the target's path and last year's, month by
   month. Data comes from json_script; written for old browsers too (Chrome 109): no modules, no arrows. */
(function () {
  "use strict";
  var holder = document.getElementById("indicator-chart");
  var source = document.getElementById("indicator-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  holder.style.height = "280px";
  var chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", confine: true },
    legend: { top: 0 },
    grid: { top: 36, left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: data.unit },
    series: [
      { name: "目标进度", type: "line", data: data.target, lineStyle: { type: "dashed" }, color: "#6c757d" },
      { name: "上年同期", type: "line", data: data.last_year, color: "#adb5bd" },
      { name: "本年完成", type: "bar", data: data.actual, color: "#0d6efd" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
