// The product form: choosing another category shows its attributes at once (without JavaScript, the seller presses
// the "Show this category's attributes" button). What was typed is kept: the server re-renders it unsaved.
(function () {
  var select = document.getElementById("id_category");
  var refresh = document.getElementById("category-refresh");
  if (!select || !refresh) return;
  select.addEventListener("change", function () { refresh.click(); });
})();
