package io.strato.role.controller.rest;

import javax.ws.rs.core.Response.Status;

/**
 * An error in Cloud Controller form: {@code {"code", "description", "error_code"}} with an HTTP status.
 * The codes are cloud_controller_ng's, so existing clients recognise them.
 */
public class CfException extends RuntimeException {

    private final int status;
    private final int code;
    private final String errorCode;

    public CfException(int status, int code, String errorCode, String description) {
        super(description);
        this.status = status;
        this.code = code;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    public String errorCode() {
        return errorCode;
    }

    public static CfException invalidAuthToken() {
        return new CfException(401, 1000, "CF-InvalidAuthToken", "Invalid Auth Token");
    }

    public static CfException notAuthorized() {
        return new CfException(403, 10003, "CF-NotAuthorized", "You are not authorized to perform the requested action");
    }

    public static CfException notFound(String what) {
        return new CfException(404, 10000, "CF-NotFound", what);
    }

    public static CfException unknownRequest() {
        return notFound("Unknown request");
    }

    public static CfException appNotFound(String guid) {
        return new CfException(404, 100004, "CF-AppNotFound", "The app could not be found: " + guid);
    }

    public static CfException spaceNotFound(String guid) {
        return new CfException(404, 40004, "CF-SpaceNotFound", "The app space could not be found: " + guid);
    }

    public static CfException organizationNotFound(String guid) {
        return new CfException(404, 30003, "CF-OrganizationNotFound", "The organization could not be found: " + guid);
    }

    public static CfException domainNotFound(String guid) {
        return new CfException(404, 130002, "CF-DomainNotFound", "The domain could not be found: " + guid);
    }

    public static CfException domainInvalid(String detail) {
        return new CfException(400, 130001, "CF-DomainInvalid", "The domain is invalid: " + detail);
    }

    public static CfException domainNameTaken(String name) {
        return new CfException(400, 130003, "CF-DomainNameTaken", "The domain name is taken: " + name);
    }

    public static CfException routeNotFound(String guid) {
        return new CfException(404, 210002, "CF-RouteNotFound", "The route could not be found: " + guid);
    }

    public static CfException messageParseError(String detail) {
        return new CfException(Status.BAD_REQUEST.getStatusCode(), 1001, "CF-MessageParseError",
                "Request invalid due to parse error: " + detail);
    }

    public static CfException invalidRequest(String detail) {
        return new CfException(400, 10004, "CF-InvalidRequest", "The request is invalid: " + detail);
    }

    public static CfException appInvalid(String detail) {
        return new CfException(400, 100001, "CF-AppInvalid", "The app is invalid: " + detail);
    }

    public static CfException appNameTaken(String name) {
        return new CfException(400, 100002, "CF-AppNameTaken", "The app name is taken: " + name);
    }

    public static CfException routeHostTaken(String host) {
        return new CfException(400, 210003, "CF-RouteHostTaken", "The host is taken: " + host);
    }

    public static CfException routeInvalid(String detail) {
        return new CfException(400, 210001, "CF-RouteInvalid", "The route is invalid: " + detail);
    }

    public static CfException bitsUploadInvalid(String detail) {
        return new CfException(400, 160001, "CF-AppBitsUploadInvalid", "The app upload is invalid: " + detail);
    }

    public static CfException bitsTooLarge(long limitMb) {
        return new CfException(413, 160001, "CF-AppBitsUploadInvalid",
                "The app upload is invalid: it is larger than the limit of " + limitMb + " MB");
    }

    public static CfException appPackageInvalid(String detail) {
        return new CfException(400, 150001, "CF-AppPackageInvalid", "The app package is invalid: " + detail);
    }

    public static CfException appPackageNotFound(String guid) {
        return new CfException(404, 150002, "CF-AppPackageNotFound", "The app package could not be found: " + guid);
    }

    public static CfException notStaged() {
        return new CfException(400, 170002, "CF-NotStaged", "App has not finished staging");
    }

    public static CfException stagingError(String reason) {
        return new CfException(400, 170001, "CF-StagingError", "Staging error: " + reason);
    }

    public static CfException serviceNotFound(String guid) {
        return new CfException(404, 120003, "CF-ServiceNotFound", "The service could not be found: " + guid);
    }

    public static CfException servicePlanNotFound(String guid) {
        return new CfException(404, 110003, "CF-ServicePlanNotFound", "The service plan could not be found: " + guid);
    }

    public static CfException serviceInstanceNotFound(String guid) {
        return new CfException(404, 60004, "CF-ServiceInstanceNotFound", "The service instance could not be found: " + guid);
    }

    public static CfException serviceInstanceNameTaken(String name) {
        return new CfException(400, 60002, "CF-ServiceInstanceNameTaken", "The service instance name is taken: " + name);
    }

    public static CfException serviceInstanceInvalid(String detail) {
        return new CfException(400, 60003, "CF-ServiceInstanceInvalid", "The service instance is invalid: " + detail);
    }

    public static CfException serviceBindingNotFound(String guid) {
        return new CfException(404, 90004, "CF-ServiceBindingNotFound", "The service binding could not be found: " + guid);
    }

    public static CfException serviceBindingTaken() {
        return new CfException(400, 90003, "CF-ServiceBindingAppServiceTaken",
                "The app is already bound to the service instance");
    }

    public static CfException associationNotEmpty() {
        return new CfException(400, 10006, "CF-AssociationNotEmpty",
                "Please delete the service_bindings associations for your service_instances first,"
                        + " or delete with recursive=true");
    }

    public static CfException serviceBrokerFailed(String detail) {
        return new CfException(502, 10001, "CF-ServiceBrokerBadResponse", "The service broker failed: " + detail);
    }

    public static CfException serviceUnavailable(String detail) {
        return new CfException(503, 10015, "CF-ServiceUnavailable", detail);
    }

    public static CfException invalidRelation(String detail) {
        return new CfException(400, 1002, "CF-InvalidRelation", detail);
    }

    public static CfException userNotFound(String guid) {
        return new CfException(404, 20003, "CF-UserNotFound", "The user could not be found: " + guid);
    }

    public static CfException organizationInvalid(String detail) {
        return new CfException(400, 30001, "CF-OrganizationInvalid", "The organization info is invalid: " + detail);
    }

    public static CfException organizationNameTaken(String name) {
        return new CfException(400, 30002, "CF-OrganizationNameTaken", "The organization name is taken: " + name);
    }

    public static CfException spaceInvalid(String detail) {
        return new CfException(400, 40001, "CF-SpaceInvalid", "The app space info is invalid: " + detail);
    }

    public static CfException spaceNameTaken(String name) {
        return new CfException(400, 40002, "CF-SpaceNameTaken", "The app space name is taken: " + name);
    }

    public static CfException quotaDefinitionNotFound(String guid) {
        return new CfException(404, 240001, "CF-QuotaDefinitionNotFound", "Quota Definition could not be found: " + guid);
    }

    public static CfException quotaDefinitionNameTaken(String name) {
        return new CfException(400, 240002, "CF-QuotaDefinitionNameTaken", "Quota Definition is taken: " + name);
    }

    public static CfException quotaDefinitionInvalid(String detail) {
        return new CfException(400, 240003, "CF-QuotaDefinitionInvalid", "Quota Definition is invalid: " + detail);
    }

    public static CfException spaceQuotaDefinitionNotFound(String guid) {
        return new CfException(404, 310007, "CF-SpaceQuotaDefinitionNotFound",
                "Space Quota Definition could not be found: " + guid);
    }

    public static CfException spaceQuotaDefinitionNameTaken(String name) {
        return new CfException(400, 310002, "CF-SpaceQuotaDefinitionNameTaken",
                "The space quota definition name is taken: " + name);
    }

    public static CfException spaceQuotaDefinitionInvalid(String detail) {
        return new CfException(400, 310001, "CF-SpaceQuotaDefinitionInvalid", "Space Quota Definition is invalid: " + detail);
    }

    public static CfException eventNotFound(String guid) {
        return new CfException(404, 230002, "CF-EventNotFound", "Event could not be found: " + guid);
    }

    /** What a non-recursive delete of something that still holds things answers. */
    public static CfException associationNotEmpty(String associations, String of) {
        return new CfException(400, 10006, "CF-AssociationNotEmpty",
                "Please delete the " + associations + " associations for your " + of + ", or delete with recursive=true");
    }

    public static CfException blobstoreUnavailable(String detail) {
        return new CfException(502, 150007, "CF-BlobstoreUnavailable", "Failed to perform operation due to blobstore unavailability: " + detail);
    }

    public static CfException serverError() {
        return new CfException(500, 10001, "CF-ServerError", "An unknown error occurred.");
    }
}
