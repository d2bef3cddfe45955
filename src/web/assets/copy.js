// rightsdesk pages: the one script. Copy buttons for credit lines; everything else works
// without it (the buttons stay hidden when scripts do not run).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var status = document.getElementById(button.getAttribute("data-copy") + "-status");
        if (status) { status.textContent = "Copied."; }
      });
    });
  });
});
