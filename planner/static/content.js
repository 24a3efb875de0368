// How your plan is made: a link to one item or rule (#item-squats, from a plan) opens it.
(function () {
  function open() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", open);
  document.addEventListener("DOMContentLoaded", open);
})();
