/* A project's investment chart: cumulative completed against the cumulative plan, month by month.
   Data comes from json_script; written for old browsers too (Chrome 109): no modules, no arrows. */
(function () {
  "use strict";
  var holder = document.getElementById("investment-chart");
  var source = document.getElementById("investment-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  holder.style.height = "280px";
  var chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", confine: true },
    legend: { top: 0 },
    grid: { top: 36, left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "万元" },
    series: [
      { name: "计划投资（累计）", type: "line", data: data.plan, lineStyle: { type: "dashed" }, color: "#6c757d" },
      { name: "完成投资（累计）", type: "bar", data: data.done, color: "#0d6efd" }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
