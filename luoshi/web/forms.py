from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from luoshi.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    """The password page. A one-time password (must_change_password) stops being one here."""

    def clean_new_password1(self) -> str:
        new = self.cleaned_data.get("new_password1", "")
        if new and self.user.check_password(new):
            raise forms.ValidationError("新密码不能与原密码相同。")
        return new

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        if getattr(user, "must_change_password", False):
            user.must_change_password = False
        if commit:
            user.save()
        return user


class CountySetupForm(BootstrapFormMixin, forms.Form):
    """初始化: a county on a database that has none yet (or another one beside, for a superuser)."""

    name = forms.CharField(label="县（区）名称", max_length=50, help_text="如“某某县”")
    code = forms.CharField(label="行政区划代码", max_length=6, help_text="6 位数字")
    short_name = forms.CharField(
        label="简称", max_length=10, required=False, help_text="用于文号，默认名称的第一个字"
    )
    city_name = forms.CharField(label="上级市名称", max_length=50)
    city_code = forms.CharField(
        label="上级市行政区划代码", max_length=6, required=False, help_text="默认县代码前四位加 00"
    )
    supervisor_username = forms.CharField(label="督查办第一个账号的用户名", max_length=150)
    supervisor_name = forms.CharField(label="这个账号使用人的姓名", max_length=30)
