// One date picker for every date field: bootstrap-datepicker (shipped by FAB), in the
// page's language, offline.  Dates are typed and picked as yyyy-mm-dd in every language;
// the server parses exactly that and refuses anything else beside the field.
//
// FAB ships the picker without its locale files, so the Chinese one is written here.  The
// defaults are set while this script is parsed, before the page is ready: FAB's ab.js
// binds its generated forms' pickers (.appbuilder_date) on ready and so picks them up.
// Hand-written date fields carry class "ld-date" (see app/templates/loandesk/report.html):
//   <input type="text" class="form-control input-sm ld-date" placeholder="yyyy-mm-dd"
//          autocomplete="off">
(function () {
  if (!$.fn.datepicker) { return; }
  $.fn.datepicker.dates["zh-CN"] = {
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    daysShort: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    daysMin: ["日", "一", "二", "三", "四", "五", "六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
             "十一月", "十二月"],
    monthsShort: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月",
                  "12月"],
    today: "今天",
    clear: "清除",
    monthsTitle: "选择月份",
    titleFormat: "yyyy年mm月",
    format: "yyyy-mm-dd",
    weekStart: 1
  };

  // The page's language: the base template puts the interface locale (zh_CN, en) on this
  // script's tag; <html lang> is the fallback for a page that includes it another way.
  var me = document.currentScript;
  var locale = (me && me.getAttribute("data-locale")) || document.documentElement.lang || "";
  var chinese = locale.toLowerCase().indexOf("zh") === 0;

  $.extend($.fn.datepicker.defaults, {
    language: chinese ? "zh-CN" : "en",
    format: "yyyy-mm-dd",
    weekStart: 1,  // the firm's weeks run Monday to Sunday, as on the reports
    autoclose: true,
    todayBtn: "linked",
    todayHighlight: true,
    clearBtn: true,
    // Leave what was typed alone: the picker would otherwise "correct" 2026-02-30 into
    // 2026-03-02 when the box loses focus, and the server could no longer refuse it.
    forceParse: false
  });
})();

$(function () {
  if (!$.fn.datepicker) { return; }
  $("input.ld-date").datepicker();
});
