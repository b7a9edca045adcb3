from django.shortcuts import render


def accessibility(request):
    return render(request, "portal/accessibility.html")


def privacy(request):
    return render(request, "portal/privacy.html")
