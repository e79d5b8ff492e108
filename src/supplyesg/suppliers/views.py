from django.http import HttpResponse


def supplier_list(request):
    return HttpResponse("")


dashboard = blacklist = reviews = supplier_list
