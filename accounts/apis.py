"""API of organisations and of the caller's own account (token, who am I)."""
from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.api.schema import BODY, LIST, api_operation
from core.api.serializers import InputSerializer
from core.api.throttling import AnonThrottle, LoginThrottle, UserThrottle
from core.api.views import Api
from core.errors import DomainError

from .filters import OrganizationFilter
from .models import Membership, Organization
from .selectors import membership_list_active, organization_get, organization_list, user_is_officer
from .services import auth_token_issue, auth_token_revoke


class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    province = serializers.CharField()
    city = serializers.CharField()
    verified = serializers.BooleanField()
    description = serializers.CharField()

    class Meta:
        ref_name = "Organization"


ORG_EXAMPLE = {"id": 3, "name": "广州市第一人民医院", "kind": "hospital", "province": "广东", "city": "广州",
               "verified": True, "description": "三级甲等综合医院"}
ORG_PERMISSIONS = "Anyone, also anonymous: organisations are public (their members are not)."


@extend_schema_view(get=api_operation(
    summary="List organisations", tags=["organizations"], errors=LIST, permissions=ORG_PERMISSIONS,
    responses={200: OrganizationOutputSerializer(many=True)},
    examples=[OpenApiExample("organisations", response_only=True,
                             value=ORG_EXAMPLE)]))
class OrganizationListApi(Api):
    permission_classes = [AllowAny]
    filterset_class = OrganizationFilter
    queryset = Organization.objects.none()  # only for the schema's filter parameters; reads go through the selectors

    def get(self, request):
        return self.respond_page(OrganizationOutputSerializer, organization_list())


@extend_schema_view(get=api_operation(
    summary="Read an organisation", tags=["organizations"], errors=(404,), permissions=ORG_PERMISSIONS,
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    responses={200: OrganizationOutputSerializer},
    examples=[OpenApiExample("organisation", value=ORG_EXAMPLE, response_only=True)]))
class OrganizationDetailApi(Api):
    permission_classes = [AllowAny]

    def get(self, request, pk: int):
        return self.respond(OrganizationOutputSerializer, organization_get(organization_id=pk))


# --- the caller's account -----------------------------------------------------------------------

class TokenInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    class Meta:
        ref_name = "TokenCreate"


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as the header `Authorization: Token <token>`.')

    class Meta:
        ref_name = "Token"


@extend_schema_view(
    post=api_operation(
        summary="Obtain an API token", tags=["auth"], errors=BODY, request=TokenInputSerializer,
        description="Exchange a username and password for the user's token (the same token until it is revoked). "
                    "Password attempts are throttled per IP address (`API_THROTTLE_LOGIN`).",
        permissions="Anyone, also anonymous. Wrong credentials or an inactive account: 400 `invalid_credentials`.",
        responses={200: TokenOutputSerializer},
        examples=[OpenApiExample("credentials", value={"username": "zhang.yi", "password": "…"}, request_only=True),
                  OpenApiExample("token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
                                 response_only=True)]),
    delete=api_operation(
        summary="Revoke my API token", tags=["auth"], errors=(403,), responses={204: None},
        description="Scripts that hold the token are refused from then on; obtain a new one with POST.",
        permissions="Authenticated users, for their own token.",
        examples=[OpenApiExample("no content", value=None, response_only=True, status_codes=["204"])]),
)
class AuthTokenApi(Api):
    throttle_classes = [AnonThrottle, UserThrottle, LoginThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        # only password attempts count against the login rate
        throttles = super().get_throttles()
        return throttles if self.request.method == "POST" else [t for t in throttles if t.scope != "login"]

    def post(self, request):
        data = self.validated(TokenInputSerializer)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise DomainError(_("Wrong username or password, or the account is inactive."),
                              code="invalid_credentials")
        return Response({"token": auth_token_issue(user=user)})

    def delete(self, request):
        auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipOutputSerializer(serializers.Serializer):
    organization = OrganizationOutputSerializer()
    role = serializers.ChoiceField(choices=Membership.Role.choices)

    class Meta:
        ref_name = "Membership"


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    is_officer = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta:
        ref_name = "Me"

    def get_is_officer(self, user) -> bool:
        return user_is_officer(user=user)

    @extend_schema_field(MembershipOutputSerializer(many=True))
    def get_memberships(self, user) -> list[dict]:
        return MembershipOutputSerializer(membership_list_active(user=user), many=True).data


@extend_schema_view(get=api_operation(
    summary="Who am I", tags=["auth"], errors=(), permissions="Authenticated users.",
    description="The caller, whether they are a program officer, and the organisations they act for.",
    responses={200: MeOutputSerializer},
    examples=[OpenApiExample("me", response_only=True, value={
        "id": 12, "username": "zhang.yi", "name": "张医生", "is_officer": False,
        "memberships": [{"organization": ORG_EXAMPLE, "role": "member"}]})]))
class MeApi(Api):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return self.respond(MeOutputSerializer, request.user)
