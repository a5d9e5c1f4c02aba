import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/config.js';

export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const doc = new DocumentBuilder()
    .setTitle('Platform API')
    .setDescription(
      'Authentication, users, payments and analytics behind one gateway. Every error is ' +
        'RFC 9457 `application/problem+json`.',
    )
    .setVersion('1.0.0')
    .setContact('Platform', 'https://github.com/platform/platform', 'security@platform.dev')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer(config.publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Platform API',
    swaggerOptions: { persistAuthorization: true },
  });
}
