// Exchanges a bearer token for the view's cookie (POST /ui/login), then opens the page.
"use strict";
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  const token = document.getElementById("token").value;
  const response = await fetch("/ui/login", { method: "POST", headers: { authorization: "Bearer " + token } });
  if (response.status === 204) {
    location.assign("/");
  } else {
    error.textContent = response.status === 403 ? "This token may not see every client." : "Unknown token.";
  }
});
