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
  // Tables marked data-sortable: each column heading becomes a button that sorts the rows (numbers as numbers,
  // names in Vietnamese order); aria-sort tells screen readers which way. A last row marked data-total stays last.
  document.querySelectorAll("table[data-sortable]").forEach((table) => {
    const body = table.tBodies[0];
    table.querySelectorAll("thead th").forEach((heading, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = heading.textContent;
      heading.textContent = "";
      heading.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = heading.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach((other) => other.removeAttribute("aria-sort"));
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows).filter((row) => !row.hasAttribute("data-total"));
        const value = (row) => row.cells[column].textContent.trim();
        const numeric = rows.every((row) => /^-?[\d.,]+$/.test(value(row)));
        const number = (text) => parseFloat(text.replace(/\./g, "").replace(",", "."));
        rows.sort((a, b) => {
          const order = numeric ? number(value(a)) - number(value(b)) : value(a).localeCompare(value(b), "vi");
          return ascending ? order : -order;
        });
        const total = body.querySelector("tr[data-total]");
        rows.forEach((row) => body.insertBefore(row, total));
      });
    });
  });
  // Move focus to the error summary so screen-reader users hear what to fix.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
