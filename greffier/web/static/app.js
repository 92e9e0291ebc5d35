// greffier serve: the only script, no library. Brings the first highlighted zone of a page into view.
document.addEventListener("DOMContentLoaded", function () {
  var img = document.querySelector(".page-frame img");
  var first = document.querySelector(".overlay rect.hl");
  if (!img || !first) return;
  function reveal() {
    var y = parseFloat(first.getAttribute("y")) / 1000;
    var top = img.getBoundingClientRect().top + window.scrollY + y * img.clientHeight - 120;
    if (top > window.innerHeight / 2) window.scrollTo(0, top);
  }
  if (img.complete) reveal(); else img.addEventListener("load", reveal);
});
