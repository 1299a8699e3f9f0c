from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.issue_list, name="issues"),
    path("new/", views.issue_new, name="new"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/particulars/", views.issue_update, name="update"),
    path("issues/<int:pk>/items/", views.issue_items, name="items"),
    path("issues/<int:pk>/merge/", views.issue_merge, name="merge"),
    path("issues/<int:pk>/action/<slug:action>/", views.issue_action, name="action"),
    path("issues/<int:pk>/file.<slug:fmt>", views.issue_download, name="download"),
    path("issues/<int:pk>/receipts/", views.issue_receipts, name="receipts"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/action/<slug:action>/", views.item_action, name="item-action"),
    path("publications/", views.publication_list, name="publications"),
    path("publications/new/", views.publication_edit, name="publication-new"),
    path("publications/<int:pk>/", views.publication_edit, name="publication"),
    path("adoptions/<int:pk>/withdraw/", views.adoption_withdraw, name="adoption-withdraw"),
    path("from-inbox/", views.from_inbox, name="from-inbox"),
]
