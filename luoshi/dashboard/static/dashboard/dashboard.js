/* The dashboard's trend chart. Data comes from json_script; a click on a bar opens the list it counts. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  var element = document.getElementById("trend-chart");
  if (!source || !element || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var trend = data.trend;
  var chart = echarts.init(element);
  var series = [["red", "红色", "#dc3545"], ["yellow", "黄色", "#ffc107"], ["green", "绿色", "#198754"]].map(function (c) {
    return { name: c[1], type: "bar", stack: "colour", data: trend[c[0]], itemStyle: { color: c[2] }, colour: c[0] };
  });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 36, right: 12, top: 12, bottom: 36 },
    xAxis: { type: "category", data: trend.months },
    yAxis: { type: "value", minInterval: 1 },
    series: series
  });
  chart.on("click", function (params) {
    var colour = series[params.seriesIndex].colour;
    var link = trend.links[params.dataIndex] && trend.links[params.dataIndex][colour];
    if (link) { window.location.href = link; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
