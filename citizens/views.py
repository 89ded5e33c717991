"""我的办件 on the website: a citizen logged in with phone and SMS code sees their applications and complaints."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from citizens.selectors import my_cases
from complaints.models import OwnerRead
from core import citizens


@never_cache
def mine(request):
    phone = citizens.phone_of(request)
    if phone is None:
        return redirect(f"{reverse('phone_login')}?next={reverse('citizens:mine')}")
    cases = my_cases(phone, channel=OwnerRead.Channel.WEB)
    return render(request, "citizens/mine.html", {"cases": cases, "phone": citizens.masked(phone)})
