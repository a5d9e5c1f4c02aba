import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  Get,
  HttpCode,
  Patch,
  type ExecutionContext,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ProblemException } from '../../platform/errors/index.js';
import { CurrentActor, Meta, Scopes } from '../../platform/http/index.js';
import type { Actor, RpcMeta } from '../../platform/transport/rpc-meta.js';
import { UsersClient } from '../../contracts/users/users.client.js';
import type {
  PreferencesView,
  ProfileView,
  UserDataExport,
} from '../../contracts/users/user.views.js';
import { DeleteMeDto, PreferencesPatchDto, UpdateMeDto } from './dto/user-requests.dto.js';
import { PreferencesDto, ProfileDto, UserExportDto } from './dto/user-responses.dto.js';
import { ApiProblems } from '../../platform/http/api-problems.js';

export const MERGE_PATCH_JSON = 'application/merge-patch+json';

/** The request's Content-Type (documented by `@ApiConsumes`, not as a parameter). */
const ContentType = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const type = ctx.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
    'content-type'
  ];
  return typeof type === 'string' ? type : undefined;
});

/** The signed-in user's own account: profile, preferences, deletion and data export. */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users/me')
export class UsersMeController {
  constructor(private readonly users: UsersClient) {}

  @Get()
  @Scopes('profile')
  @ApiOperation({
    summary: 'Your profile',
    description:
      'The signed-in user: name, email, role, locale, time zone and avatar. Also serves an access token granted to an OAuth client with the `profile` scope.',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiProblems(401)
  me(@CurrentActor() actor: Actor | undefined, @Meta() meta: RpcMeta): Promise<ProfileView> {
    return this.users.profile(actor?.id ?? '', meta);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change your profile',
    description:
      'Only `name`, `locale` (BCP 47), `timezone` (IANA) and `avatar_url`; `null` clears the last three. Any other field (such as `role`) is rejected with 400.',
  })
  @ApiBody({
    type: UpdateMeDto,
    examples: {
      profile: { value: { name: 'Ada King', locale: 'en-GB', timezone: 'Europe/London' } },
      clearAvatar: { value: { avatar_url: null } },
    },
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiProblems(400, 401)
  update(
    @CurrentActor() actor: Actor | undefined,
    @Body() body: UpdateMeDto,
    @Meta() meta: RpcMeta,
  ): Promise<ProfileView> {
    return this.users.updateProfile(actor?.id ?? '', { ...body }, meta);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete your account',
    description:
      'Needs your `password`, or a sign-in less than 5 minutes old (USERS_REAUTH_MAX_AGE_S). The account is disabled and every session revoked at once; personal data is erased after USER_RETENTION_DAYS (default 30) and your analytics events are pseudonymised.',
  })
  @ApiBody({
    type: DeleteMeDto,
    required: false,
    examples: { withPassword: { value: { password: 'correct horse battery staple' } } },
  })
  @ApiNoContentResponse({ description: 'Deleted: signed out everywhere, sign-in impossible' })
  @ApiProblems(400, 401, 403, 409, 429)
  async remove(
    @CurrentActor() actor: Actor | undefined,
    @Body() body: DeleteMeDto,
    @Meta() meta: RpcMeta,
  ): Promise<void> {
    await this.users.delete(actor?.id ?? '', meta, body?.password);
  }

  @Get('preferences')
  @ApiOperation({
    summary: 'Your preferences',
    description: 'Locale, time zone, theme, notification choices and free `custom` JSON.',
  })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiProblems(401)
  preferences(
    @CurrentActor() actor: Actor | undefined,
    @Meta() meta: RpcMeta,
  ): Promise<PreferencesView> {
    return this.users.preferences(actor?.id ?? '', meta);
  }

  @Patch('preferences')
  @ApiOperation({
    summary: 'Change your preferences (JSON Merge Patch, RFC 7396)',
    description:
      'Send `application/merge-patch+json` (or `application/json`). Members present are set, `null` resets a setting to its default, absent ones stay. `notifications.security` is always on. `custom` is free JSON (merged the same way), at most 16 KB. Unknown keys and invalid values are rejected with 400 naming the field.',
  })
  @ApiConsumes(MERGE_PATCH_JSON, 'application/json')
  @ApiBody({
    type: PreferencesPatchDto,
    examples: {
      darkGerman: {
        value: { locale: 'de-DE', timezone: 'Europe/Berlin', theme: 'dark' },
      },
      marketingOff: { value: { notifications: { marketing: false } } },
      customMerge: { value: { custom: { dashboard: { pinned: ['revenue'] }, beta: null } } },
      reset: { value: { theme: null, custom: null } },
    },
  })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiProblems(400, 401, 413, 415)
  patchPreferences(
    @CurrentActor() actor: Actor | undefined,
    @Body() patch: Record<string, unknown>,
    @Meta() meta: RpcMeta,
    @ContentType() contentType?: string,
  ): Promise<PreferencesView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (type !== MERGE_PATCH_JSON && type !== 'application/json') {
      throw new ProblemException(
        415,
        'unsupported-media-type',
        `Send the patch as ${MERGE_PATCH_JSON} (or application/json).`,
      );
    }
    return this.users.patchPreferences(actor?.id ?? '', patch, meta);
  }

  @Get('export')
  @ApiOperation({
    summary: 'Export everything the platform holds about you',
    description:
      'One JSON document: profile, preferences, sessions and security audit (auth), payments, analytics events, gathered from each part. Complete or not at all: if a part cannot answer, 503.',
  })
  @ApiOkResponse({ type: UserExportDto })
  @ApiProblems(401, 429, 503)
  export(@CurrentActor() actor: Actor | undefined, @Meta() meta: RpcMeta): Promise<UserDataExport> {
    return this.users.exportAll(actor?.id ?? '', meta);
  }
}
