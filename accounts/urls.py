from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.AccountView.as_view(), name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/remove/", views.TwoFactorRemoveView.as_view(), name="two_factor_remove"),
]
