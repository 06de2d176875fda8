// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("main-nav--open", !open);
    });
  }
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
  // Error pages: "go back" only when this tab has a page to go back to.
  if (window.history.length > 1) {
    document.querySelectorAll("[data-history-back]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.history.back());
    });
  }
  // Move focus to the error summary so screen-reader users hear what to fix.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
