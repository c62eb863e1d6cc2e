from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from luoshi.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass
